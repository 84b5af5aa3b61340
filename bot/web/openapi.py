"""The OpenAPI schema of the customers' API (served at /openapi.json), kept beside the limits it states."""

from __future__ import annotations

from bot.answer import ESCALATION_KINDS, OFFER_REASONS
from bot.settings import MAX_QUESTION_CHARS
from bot.web.guard import MAX_URL_BYTES
from bot.web.requests import EMAIL_PATTERN, MAX_BODY_BYTES, MAX_CONVERSATION_ID_CHARS, MAX_FIELD_CHARS


def openapi_schema() -> dict:
    """Hand-written, and checked against real responses by tests/customers/test_api.py."""
    text = {"type": "string"}
    nullable_text = {"type": ["string", "null"]}

    def error_response(description: str) -> dict:
        return {"description": description,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}

    return {
        "openapi": "3.1.0",
        "info": {"title": "Kimss Privacy Assistant API", "version": "1.0.0",
                 "description": "Answers customers' questions from Kimss AI's public privacy documents, quoting "
                                "them with citations; hands data requests, security concerns and requests for a "
                                "person to the privacy team."},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": {"/v1/ask": {"post": {
            "operationId": "ask",
            "summary": "Ask a question about the privacy policy as a customer",
            "parameters": [{
                "name": "Idempotency-Key", "in": "header", "required": False,
                "schema": {"type": "string", "minLength": 1, "maxLength": 255},
                "description": "Makes a retry safe: a request repeated with the same key (and the same body) within "
                               "CONVERSATION_TTL_MINUTES gets the first response again (header Idempotent-Replayed: "
                               "true) and adds no turn and no hand-off. Without a key, the same question in the same "
                               "conversation within 120 seconds is treated as a retry: answered, but its turn is not "
                               "added twice."}],
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/AskRequest"}}}},
            "responses": {
                "200": {"description": "The answer",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AskResponse"}}}},
                "400": error_response("The body is not JSON (or nested too deeply, or holds a number too long)"),
                "401": error_response("Missing or invalid API token"),
                "408": error_response(f"The body did not arrive within REQUEST_READ_TIMEOUT seconds"),
                "413": error_response(f"The body is over {MAX_BODY_BYTES // 1024} KB (refused before it is read)"),
                "414": error_response(f"The URL is over {MAX_URL_BYTES:,} bytes"),
                "409": {**error_response("The Idempotency-Key was used for another request "
                                         "(`idempotency_key_reused`), or the first request with it is still being "
                                         "answered (`idempotency_key_in_use`, with Retry-After)"),
                        "headers": {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}}},
                "422": error_response("A field is missing or wrong (see `field`): e.g. a question over "
                                      f"{MAX_QUESTION_CHARS:,} characters, text that is not valid Unicode, or an "
                                      "Idempotency-Key that is empty or too long"),
                "429": {**error_response("Too many requests for this token"),
                        "headers": {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}}},
                "500": error_response("Unexpected failure (quote `trace_id`)"),
                "503": error_response("The policy index cannot be read right now"),
            },
        }}},
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "One of the service's API_TOKENS"}},
            "schemas": {
                "AskRequest": {"type": "object", "additionalProperties": False, "required": ["question"], "properties": {
                    "question": {"type": "string", "minLength": 1, "maxLength": MAX_QUESTION_CHARS, "pattern": r"\S",
                                 "description": "Not only spaces"},
                    "conversation_id": {"type": ["string", "null"], "maxLength": MAX_CONVERSATION_ID_CHARS,
                                        "description": "The support chat's conversation: its last turns (kept "
                                                       "CONVERSATION_TTL_MINUTES) answer follow-ups in context; a "
                                                       "retried request with the same conversation and question is "
                                                       "one hand-off"},
                    "customer": {"type": ["object", "null"], "additionalProperties": False,
                                 "description": "Who asks: shown to the privacy team on a hand-off",
                                 "properties": {
                                     "id": {"type": ["string", "null"], "maxLength": MAX_FIELD_CHARS},
                                     "email": {"type": ["string", "null"], "maxLength": MAX_FIELD_CHARS,
                                               "pattern": EMAIL_PATTERN},
                                     "workspace": {"type": ["string", "null"], "maxLength": MAX_FIELD_CHARS}}},
                }},
                "Citation": {"type": "object", "required": ["n", "document", "title", "section", "quote", "url",
                                                            "updated", "score"], "properties": {
                    "n": {"type": "integer"}, "document": text, "title": text, "section": text, "quote": text,
                    "url": nullable_text, "updated": nullable_text, "score": {"type": "number"}}},
                "Escalation": {"type": "object", "required": ["reason"], "properties": {
                    "reason": {"enum": ["data_request", "security", "user_request", "not_covered"]},
                    "kind": {"enum": sorted({k for kinds in ESCALATION_KINDS.values() for k in kinds}),
                             "description": "What the request is, e.g. deletion (data_request) or phishing (security)"},
                    "reference": {"type": "string", "pattern": "^PRV-[0-9]{4,8}$",
                                  "description": "Present when the request was handed to the privacy team"},
                    "message": {"type": "string", "description": "What to tell the customer (reference, what "
                                                                 "happens next, when)"}}},
                "AskResponse": {"type": "object", "required": ["question", "answer", "covered", "confidence",
                                                               "audience", "citations", "escalation", "answer_id"],
                                "properties": {
                    "question": text, "answer": text, "covered": {"type": "boolean"},
                    "confidence": {"type": "number", "minimum": 0, "maximum": 1},
                    "audience": {"const": "customer"},  # CustomerDesk never answers otherwise
                    "citations": {"type": "array", "items": {"$ref": "#/components/schemas/Citation"}},
                    "escalation": {"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/Escalation"}]},
                    "answer_id": text, "conversation_id": text,
                    "offer": {"enum": [*OFFER_REASONS, None],
                              "description": "Set when the answer also offers to hand the question to the privacy "
                                             "team (the customer may accept through /chat/support or support)"},
                    "answering": {"type": ["string", "null"],
                                  "description": "The standalone question answered, when a follow-up was rewritten "
                                                 "with the conversation's context"}}},
                "Error": {"type": "object", "required": ["error", "message"], "properties": {
                    "error": text, "message": text, "field": text, "retry_after": {"type": "integer"},
                    "trace_id": text}},
            },
        },
    }
