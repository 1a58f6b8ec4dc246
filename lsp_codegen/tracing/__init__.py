"""Why a request showed what it showed: its stages, each candidate's fate, its outcome."""
