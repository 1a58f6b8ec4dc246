;;; test-eglot.el --- drive lsp-codegen with a real eglot in batch Emacs  -*- lexical-binding: t; -*-
;; emacs -Q --batch -l editor-clients/emacs/test-eglot.el
;; Environment: LSP_CODEGEN_PYTHON, LSP_CODEGEN_TEST_MODEL (tests/editors/test_emacs.py sets both).

(require 'package)
;; Debian's elpa-eglot lives in /usr/share/emacs/site-lisp/elpa, which -Q does not activate.
(add-to-list 'package-directory-list "/usr/share/emacs/site-lisp/elpa")
(package-initialize)
(require 'eglot)
(require 'cl-lib)
(require 'python)
;; Apply the server's workspace/applyEdit without a y-or-n question (there is no one to answer).
(setq eglot-confirm-server-initiated-edits nil)

(defvar lsp-codegen-test-source "# Return one.\n# one() == 1\ndef one():\n\n")

(defun lsp-codegen-test-env (name)
  (or (getenv name) (error "%s is not set: run through tests/editors/test_emacs.py" name)))

(defun lsp-codegen-test-wait (what predicate &optional seconds)
  "Run the event loop until PREDICATE holds; fail after SECONDS (60)."
  (let ((deadline (+ (float-time) (or seconds 60))))
    (while (not (funcall predicate))
      (when (> (float-time) deadline) (error "Timed out waiting for %s" what))
      (accept-process-output nil 0.05))))

(defun lsp-codegen-test-status (server)
  (jsonrpc-request server :workspace/executeCommand
                   '(:command "lsp-codegen.engineStatus" :arguments [])))

(defvar lsp-codegen-test-here (file-name-directory (or load-file-name buffer-file-name)))

(defun lsp-codegen-test-contact ()
  "The snippet users paste (lsp-codegen-eglot.el), with the test's Python and tiny model.
Its arguments and initializationOptions are used as written; only the executable is
replaced by `python -m lsp_codegen' and the model and sampling settings are added."
  (load (expand-file-name "lsp-codegen-eglot.el" lsp-codegen-test-here) nil t)
  (let* ((entry (seq-find (lambda (e) (and (listp (car e)) (memq 'python-mode (car e))))
                          eglot-server-programs))
         (contact (copy-sequence (cdr entry)))
         (args (seq-take-while #'stringp (cdr contact)))
         (options (copy-sequence (plist-get (nthcdr (1+ (length args)) contact)
                                            :initializationOptions))))
    (unless (and entry (equal (car contact) "lsp-codegen") (equal args '("serve" "--stdio")))
      (error "The snippet does not start `lsp-codegen serve --stdio': %S" entry))
    (setq options (plist-put options :model (lsp-codegen-test-env "LSP_CODEGEN_TEST_MODEL")))
    (setq options (plist-put options :numCandidates 8))
    (setq options (plist-put options :temperature 1.0))
    (setq options (plist-put options :maxNewTokens 16))
    `(,(lsp-codegen-test-env "LSP_CODEGEN_PYTHON") "-m" "lsp_codegen" ,@args
      :initializationOptions ,options)))

(defun lsp-codegen-test-open (dir)
  "Open one.py in DIR with the comment prompt; start eglot on it; return the server."
  (let ((file (expand-file-name "one.py" dir))
        (contact (lsp-codegen-test-contact)))
    (message "contact: %S" contact)
    (with-temp-file file (insert lsp-codegen-test-source))
    (find-file file)
    (python-mode)
    (let ((project-find-functions (list (lambda (_) (cons 'transient dir)))))
      (eglot '(python-mode) (project-current) 'eglot-lsp-server contact "python"))
    (lsp-codegen-test-wait "eglot to connect" #'eglot-current-server)
    (eglot-current-server)))

(defun lsp-codegen-test-completion ()
  "completion-at-point on the empty body lists the model's line."
  (goto-char (point-min)) (forward-line 3)
  (let* ((capf (eglot-completion-at-point))
         (items (all-completions "" (nth 2 capf))))
    (message "completion items: %S" (mapcar #'substring-no-properties items))
    (unless (seq-some (lambda (item) (string-match-p "return [12]" item)) items)
      (error "No completion item with the model's line: %S" items))))

(defun lsp-codegen-test-code-action ()
  "eglot-code-actions offers \"Generate code from comment\"; choosing it writes the body.
Eglot 1.9 has no codeAction/resolve, so the server attaches a command; running it makes
the server send workspace/applyEdit, which eglot applies."""
  (goto-char (point-min))
  (let ((offered nil))
    (cl-letf (((symbol-function 'completing-read)
               (lambda (_prompt collection &rest _)
                 (setq offered (mapcar (lambda (c) (if (consp c) (car c) c)) collection))
                 "Generate code from comment")))
      ;; A keyboard event (not a mouse click): eglot asks with completing-read, not a menu.
      (let ((last-nonmenu-event ?\r))
        (eglot-code-actions (point) (point) nil t)))
    (message "code actions offered: %S" offered)
    (unless (member "Generate code from comment" offered)
      (error "\"Generate code from comment\" is not offered: %S" offered))
    (lsp-codegen-test-wait "the generated body"
                           (lambda () (string-match-p "def one():\n    return 1\n" (buffer-string))))
    (message "buffer after the code action:\n%s" (buffer-string))))

(defun lsp-codegen-test-settings (server)
  "The server holds the snippet's settings: no message, its maxTimeMs kept."
  (let ((settings (plist-get (lsp-codegen-test-status server) :settings)))
    (unless (eql (plist-get settings :maxTimeMs) 15000)
      (error "The snippet's maxTimeMs did not arrive: %S" settings))))

(defun lsp-codegen-test-main ()
  (let* ((dir (make-temp-file "lsp-codegen-eglot" t))
         (server (lsp-codegen-test-open dir)))
    (message "eglot %s, Emacs %s: connected" (package-desc-version (cadr (assq 'eglot package-alist)))
             emacs-version)
    (lsp-codegen-test-wait "the model" (lambda () (eq t (plist-get (lsp-codegen-test-status server) :ready))))
    (lsp-codegen-test-settings server)
    (lsp-codegen-test-completion)
    (lsp-codegen-test-code-action)
    (eglot-shutdown server)
    (message "all checks passed")))

(condition-case err
    (progn (lsp-codegen-test-main) (kill-emacs 0))
  (error (message "FAILED: %S" err) (kill-emacs 1)))
