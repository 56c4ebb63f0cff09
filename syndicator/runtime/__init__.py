"""The running service: the wiring of every room from the config, the worker that
polls what is due, its schedule decisions, WebSub pings and fetch timing."""
