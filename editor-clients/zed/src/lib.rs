//! Zed starts language servers only through extensions: this one runs
//! `lsp-codegen serve --stdio` (found on the worktree's PATH, or `lsp.lsp-codegen.binary`
//! in settings.json) and passes `lsp.lsp-codegen.initialization_options` through.
use zed_extension_api::{self as zed, settings::LspSettings, LanguageServerId, Result};

const SERVER: &str = "lsp-codegen";

struct LspCodegen;

impl zed::Extension for LspCodegen {
    fn new() -> Self {
        LspCodegen
    }

    fn language_server_command(
        &mut self,
        _id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<zed::Command> {
        let binary = LspSettings::for_worktree(SERVER, worktree)
            .ok()
            .and_then(|settings| settings.binary);
        let path = binary
            .as_ref()
            .and_then(|b| b.path.clone())
            .or_else(|| worktree.which(SERVER))
            .ok_or_else(|| {
                "lsp-codegen not found: pip install lsp-codegen, or set \
                 lsp.lsp-codegen.binary.path in settings.json"
                    .to_string()
            })?;
        let args = binary
            .and_then(|b| b.arguments)
            .unwrap_or_else(|| vec!["serve".into(), "--stdio".into()]);
        Ok(zed::Command { command: path, args, env: Default::default() })
    }

    fn language_server_initialization_options(
        &mut self,
        _id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<zed::serde_json::Value>> {
        Ok(LspSettings::for_worktree(SERVER, worktree)
            .ok()
            .and_then(|settings| settings.initialization_options))
    }
}

zed::register_extension!(LspCodegen);
