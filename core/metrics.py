"""Prometheus metrics: defined here so every layer can count without an import cycle.

Counters and histograms are process-wide (one registry per process, as Prometheus expects
one scrape target per instance). The gauges about queues are read from the database at
scrape time, so every instance reports the same shared queue.
"""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST as CONTENT_TYPE
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)

REGISTRY = CollectorRegistry()
ProcessCollector(registry=REGISTRY)
PlatformCollector(registry=REGISTRY)

# Turns: kind is the activity type, or the invoke's name; outcome ok | error.
TURNS = Counter("faggruppe_turns_total", "Activities handled, by kind and outcome",
                ["kind", "outcome"], registry=REGISTRY)
TURN_SECONDS = Histogram(
    "faggruppe_turn_seconds", "Time to handle one activity, by kind", ["kind"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0), registry=REGISTRY)
DELIVERIES = Counter("faggruppe_deliveries_total",
                     "Proactive messages by the status their attempt left them in",
                     ["status"], registry=REGISTRY)
DELIVERY_SECONDS = Histogram(
    "faggruppe_delivery_seconds", "Bot Connector request time of one delivery attempt",
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0), registry=REGISTRY)
THROTTLED = Counter("faggruppe_teams_throttled_total",
                    "HTTP 429 answers from the Bot Connector", registry=REGISTRY)
SENDOUTS_FINISHED = Counter("faggruppe_sendouts_finished_total",
                            "Send-outs whose every recipient has a final status",
                            registry=REGISTRY)
SCHEDULER_TICKS = Counter("faggruppe_scheduler_ticks_total",
                          "Times this process looked for due scheduled work", registry=REGISTRY)
SCHEDULER_TICKS_FOLDED = Counter("faggruppe_scheduler_ticks_folded_total",
                                 "Ticks skipped because the previous one still ran",
                                 registry=REGISTRY)
JOBS_RUN = Counter("faggruppe_scheduled_jobs_run_total", "Scheduled jobs run, by kind and status",
                   ["kind", "status"], registry=REGISTRY)
# For the Microsoft 365 (Graph) integration: outcome ok | throttled | error.
GRAPH_CALLS = Counter("faggruppe_graph_calls_total", "Microsoft Graph requests by outcome",
                      ["outcome"], registry=REGISTRY)

QUEUE_DEPTH = Gauge("faggruppe_delivery_queue_depth",
                    "Ledger rows not yet final (queued, retrying or sending)", registry=REGISTRY)
JOBS_DUE = Gauge("faggruppe_scheduled_jobs_due", "Pending scheduled jobs whose time has come",
                 registry=REGISTRY)
OLDEST_DUE_LATENESS = Gauge("faggruppe_scheduled_job_lateness_seconds",
                            "How long the oldest due scheduled job has waited (0 when none)",
                            registry=REGISTRY)


def kind_label(activity_type: str | None, name: str | None) -> str:
    """A bounded label: the activity type, or for invokes their name (unknown names pooled)."""
    if activity_type == "invoke":
        return f"invoke:{name}" if name in KNOWN_INVOKES else "invoke:other"
    return activity_type if activity_type in KNOWN_TYPES else "other"


KNOWN_TYPES = frozenset({"message", "invoke", "conversationUpdate", "installationUpdate",
                         "event", "messageReaction", "typing"})
KNOWN_INVOKES = frozenset({"adaptiveCard/action", "task/fetch", "task/submit",
                           "composeExtension/query", "signin/verifyState"})


def render() -> tuple[bytes, str]:
    """The text exposition of every metric, and its content type."""
    return generate_latest(REGISTRY), CONTENT_TYPE
