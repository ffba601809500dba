"""OpenAPI description of the ingestion bodies (the handlers decode them by hand, for speed)."""

from __future__ import annotations

from typing import Any

from footfall.ingest.payload import (
    MAX_BATCH_EVENTS,
    MAX_DOMAIN,
    MAX_ENGAGED_MS,
    MAX_EVENT_ID,
    MAX_NAME,
    MAX_PROP_KEY,
    MAX_PROP_VALUE,
    MAX_PROPS,
    MAX_REFERRER,
    MAX_URL,
)


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """An optional field: null means "not given" for every one of them."""
    return {"anyOf": [schema, {"type": "null"}]}


# 0 and 1 are read as false and true (Plausible's trackers send them).
_FLAG = {"anyOf": [{"type": "boolean"}, {"enum": [0, 1]}]}
_PROPS_OBJECT = {
    "type": "object",
    "maxProperties": MAX_PROPS,
    "propertyNames": {"minLength": 1, "maxLength": MAX_PROP_KEY},
    "additionalProperties": {
        "anyOf": [
            {"type": "string", "maxLength": MAX_PROP_VALUE},
            {"type": "number"},
            {"type": "boolean"},
            {"type": "null"},
        ]
    },
}

# What the validator (ingest/payload.py) accepts; it also rejects, with a 400 naming the field,
# text that is not valid Unicode or holds NUL characters, and URLs without a host.
EVENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "One event. Long keys and the short keys of Plausible-style trackers "
    "(n, u, d, r, p, $, i, sd, e, el, w, h) are both accepted.",
    "required": ["name", "url", "domain"],
    "properties": {
        "name": {
            "type": "string",
            "minLength": 1,
            "maxLength": MAX_NAME,
            "description": "pageview, engagement, or a custom event name (short key n)",
            "example": "pageview",
        },
        "url": {
            "type": "string",
            "maxLength": MAX_URL,
            "pattern": "^\\s*[Hh][Tt][Tt][Pp][Ss]?://",
            "description": "Absolute http(s) page URL (u)",
            "example": "https://example.com/pricing?utm_source=newsletter",
        },
        "domain": {
            "type": "string",
            "minLength": 1,
            "maxLength": MAX_DOMAIN,
            "description": "The site's domain as registered; comma-separated to send to "
            "several sites (d)",
            "example": "example.com",
        },
        "referrer": _nullable({"type": "string", "maxLength": MAX_REFERRER})
        | {"description": "(r)"},
        "props": _nullable({"anyOf": [_PROPS_OBJECT, {"type": "string"}]})
        | {"description": "Custom properties (p); a JSON-encoded object string is accepted too"},
        "revenue": _nullable(
            {
                "type": "object",
                "required": ["amount", "currency"],
                "properties": {
                    "amount": {"type": ["number", "string"]},
                    "currency": {
                        "type": "string",
                        "pattern": "^[A-Za-z]{3}$",
                        "description": "ISO 4217 code",
                    },
                },
            }
        )
        | {"description": "Purchase amount ($); |amount| below 10^12"},
        "interactive": _nullable(_FLAG)
        | {
            "description": "false for events that must not count as interaction for the "
            "bounce rate (i)"
        },
        "scroll_depth": _nullable({"type": "number", "minimum": 0, "maximum": 1000})
        | {"description": "Max scroll depth in % (sd, engagement events); over 100 counts as 100"},
        "engaged_ms": _nullable({"type": "number", "minimum": 0, "maximum": MAX_ENGAGED_MS})
        | {"description": "Engaged milliseconds since the last report (e)"},
        "element": _nullable(
            {
                "type": "object",
                "properties": {
                    key: _nullable({"type": "string"})
                    for key in ("tag", "text", "selector", "href")
                },
            }
        )
        | {"description": "Clicked element (el); long texts are cut"},
        "id": _nullable({"type": "string", "maxLength": MAX_EVENT_ID})
        | {"description": "Client event id; a repeated id is counted once"},
        "screen_width": _nullable({"type": "number", "minimum": 0, "maximum": 100_000})
        | {"description": "Window width in px (w)"},
        "hash": _nullable(_FLAG) | {"description": "Keep the URL fragment in the page path (h)"},
    },
}

_DROPPED = {
    "X-Footfall-Dropped": {
        "description": "Why events were not recorded: unknown_site, bot, datacenter, "
        "spam_referrer, duplicate, no_session (comma-separated in batches)",
        "schema": {"type": "string"},
    }
}

_ERRORS = {
    "400": {
        "description": "Invalid body; error.field names the problem (in a batch: only "
        "when no event is valid)"
    },
    "413": {
        "description": "Body too large: over 32 KB (one event) or 512 KB (a batch), before or "
        "after decompression"
    },
    "415": {
        "description": "Content type is neither JSON nor text/plain, or Content-Encoding is "
        "not gzip, deflate or identity"
    },
    "429": {
        "description": "Too many events from this address or for this site; retry after "
        "Retry-After seconds"
    },
    "503": {"description": "Storage is falling behind; retry after Retry-After seconds"},
}


def ingestion_paths() -> dict[str, Any]:
    """OpenAPI path items of the two ingestion endpoints."""
    batch = {"type": "array", "items": EVENT_SCHEMA, "minItems": 1, "maxItems": MAX_BATCH_EVENTS}
    batch_reply = {
        "type": "object",
        "properties": {
            "accepted": {"type": "integer"},
            "dropped": {"type": "object", "additionalProperties": {"type": "integer"}},
            "rejected": {
                "type": "array",
                "description": "Invalid events of the batch, each with its index and error",
                "items": {"type": "object"},
            },
        },
    }
    single_reply = {
        "type": "object",
        "properties": {"status": {"enum": ["accepted", "dropped"]}, "reason": {"type": "string"}},
    }

    def operation(summary: str, operation_id: str, body: Any, reply: Any) -> dict[str, Any]:
        return {
            "post": {
                "tags": ["ingestion"],
                "summary": summary,
                "operationId": operation_id,
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": body},
                        "text/plain": {"schema": body},
                    },
                },
                "responses": {
                    "202": {
                        "description": "Accepted (dropped events are named in the header)",
                        "headers": _DROPPED,
                        "content": {"application/json": {"schema": reply}},
                    },
                    **_ERRORS,
                },
            }
        }

    return {
        "/api/event": operation(
            "Record one event (Plausible Events API compatible)",
            "ingest_event",
            EVENT_SCHEMA,
            single_reply,
        ),
        "/api/events": operation(
            "Record a batch of events (what the Footfall tracker sends)",
            "ingest_events",
            batch,
            batch_reply,
        ),
    }
