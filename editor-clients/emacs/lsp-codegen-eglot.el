;;; lsp-codegen-eglot.el --- lsp-codegen with eglot  -*- lexical-binding: t; -*-

;; Paste into your init file (Emacs 29+ ships eglot; on 28 install it: M-x package-install
;; RET eglot, or Debian's elpa-eglot). The plist after the command is sent as
;; initializationOptions: the server's settings, camelCase, as listed in docs/settings.md.

(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs
               '((python-mode python-ts-mode js-mode js-ts-mode typescript-ts-mode
                  go-mode go-ts-mode rust-mode rust-ts-mode c-mode c-ts-mode lua-mode)
                 . ("lsp-codegen" "serve" "--stdio"
                    :initializationOptions (:numCandidates 4 :maxNewTokens 96 :maxTimeMs 15000)))))

;; Apply the server's edits ("Generate code from comment" arrives as workspace/applyEdit
;; where eglot has no codeAction/resolve, e.g. 1.9 on Emacs 28) without a y-or-n question.
(setq eglot-confirm-server-initiated-edits nil)

;; M-x eglot in a Python buffer (or: (add-hook 'python-mode-hook #'eglot-ensure)).
;; On a comment prompt: M-x eglot-code-actions -> "Generate code from comment", or a
;; "Candidate i/n: ..." entry; completion-at-point (C-M-i) lists the candidates as items.

(provide 'lsp-codegen-eglot)
;;; lsp-codegen-eglot.el ends here
