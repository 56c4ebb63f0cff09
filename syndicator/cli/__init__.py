"""The command line: argument parsing (``main``), one function per command
(``commands``) and ``syndicator run`` (``run``), which also assembles the web context."""
