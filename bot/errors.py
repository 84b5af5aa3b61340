"""The one exception hierarchy of the assistant.

    PrivacyBotError              base: every error an adapter must turn into a message
     ├── ConfigError             a setting is missing or malformed (names the variable)
     ├── KnowledgeError          the knowledge directory is missing, empty or unusable
     ├── IndexNotBuilt           no published index exists yet
     ├── ModelMismatch           the index was built with another embedding model
     │    └── RouterMismatch     the request router was trained on another corpus, model or code
     ├── StoreUnavailable        the vector store (e.g. a Chroma server) cannot be reached
     ├── IndexBusy               another refresh of the same index is running
     └── InputRejected           a question is empty or too long

Adapters map them: the CLI to exit codes (2 for InputRejected, 1 otherwise), the HTTP API to
statuses, Slack to a short friendly message. Nothing else should be caught and hidden.
"""


class PrivacyBotError(Exception):
    """Base class; `str(error)` is a message fit to show to the person who caused it."""


class ConfigError(PrivacyBotError):
    def __init__(self, variable: str, problem: str):
        self.variable = variable
        super().__init__(f"{variable}: {problem}")


class KnowledgeError(PrivacyBotError):
    pass


class IndexNotBuilt(PrivacyBotError):
    pass


class ModelMismatch(PrivacyBotError):
    pass


class RouterMismatch(ModelMismatch):
    """The router artifact does not match this corpus, embedding model or router code: retrain it."""


class StoreUnavailable(PrivacyBotError):
    pass


class IndexBusy(PrivacyBotError):
    pass


class InputRejected(PrivacyBotError):
    def __init__(self, message: str, *, code: str):
        self.code = code  # "empty" | "too_long": adapters choose their wording or status from it
        super().__init__(message)
