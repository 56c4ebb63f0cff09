"""The update pipeline for one category and its pure decider."""

from syndicator.poll.pipeline import PollOutcome, fetch_article, poll_category

__all__ = ["PollOutcome", "fetch_article", "poll_category"]
