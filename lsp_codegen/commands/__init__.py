"""The command-line subcommands that run the pipeline without an editor."""
