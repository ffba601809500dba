"""OpenAPI description of the ingestion bodies (the handlers decode them by hand, for speed)."""

from __future__ import annotations

from typing import Any

from footfall.ingest.payload import (
    MAX_BATCH_EVENTS,
    MAX_DOMAIN,
    MAX_EVENT_ID,
    MAX_NAME,
    MAX_PROPS,
    MAX_REFERRER,
    MAX_URL,
)

EVENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "One event. Long keys and the short keys of Plausible-style trackers "
    "(n, u, d, r, p, $, i, sd, e, el, w, h) are both accepted.",
    "required": ["name", "url", "domain"],
    "properties": {
        "name": {
            "type": "string",
            "maxLength": MAX_NAME,
            "description": "pageview, engagement, or a custom event name (short key n)",
            "example": "pageview",
        },
        "url": {
            "type": "string",
            "maxLength": MAX_URL,
            "description": "Absolute page URL (u)",
            "example": "https://example.com/pricing?utm_source=newsletter",
        },
        "domain": {
            "type": "string",
            "maxLength": MAX_DOMAIN,
            "description": "The site's domain as registered; comma-separated to send to "
            "several sites (d)",
            "example": "example.com",
        },
        "referrer": {"type": ["string", "null"], "maxLength": MAX_REFERRER, "description": "(r)"},
        "props": {
            "type": "object",
            "maxProperties": MAX_PROPS,
            "additionalProperties": {"type": ["string", "number", "boolean"]},
            "description": "Custom properties (p); a JSON-encoded string is accepted too",
        },
        "revenue": {
            "type": "object",
            "required": ["amount", "currency"],
            "properties": {
                "amount": {"type": ["number", "string"]},
                "currency": {"type": "string", "minLength": 3, "maxLength": 3},
            },
            "description": "Purchase amount ($)",
        },
        "interactive": {
            "type": "boolean",
            "description": "false for events that must not "
            "count as interaction for the bounce rate (i)",
        },
        "scroll_depth": {
            "type": "integer",
            "minimum": 0,
            "maximum": 100,
            "description": "Max scroll depth in % (sd, engagement events)",
        },
        "engaged_ms": {
            "type": "integer",
            "minimum": 0,
            "description": "Engaged milliseconds since the last report (e)",
        },
        "element": {
            "type": "object",
            "description": "Clicked element (el)",
            "properties": {
                "tag": {"type": "string"},
                "text": {"type": "string"},
                "selector": {"type": "string"},
                "href": {"type": "string"},
            },
        },
        "id": {
            "type": "string",
            "maxLength": MAX_EVENT_ID,
            "description": "Client event id; a repeated id is counted once",
        },
        "screen_width": {"type": "integer", "description": "Window width in px (w)"},
        "hash": {"type": "boolean", "description": "Keep the URL fragment in the page path (h)"},
    },
}

_DROPPED = {
    "X-Footfall-Dropped": {
        "description": "Why events were not recorded: unknown_site, bot, spam_referrer, "
        "duplicate, no_session (comma-separated in batches)",
        "schema": {"type": "string"},
    }
}

_ERRORS = {
    "400": {
        "description": "Invalid body; error.field names the problem (in a batch: only "
        "when no event is valid)"
    },
    "413": {"description": "Body too large"},
    "415": {"description": "Content type is neither JSON nor text/plain"},
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
