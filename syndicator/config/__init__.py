"""The configuration: the YAML file read with the line of every value (``load``), its
validated shape and JSON Schema (``schema``), and the summary ``check`` prints
(``describe``). ``Config`` hands the other rooms frozen ``models`` settings."""

from syndicator.config.describe import describe
from syndicator.config.load import Config, json_schema, load_config
from syndicator.config.schema import parse_duration, parse_size

__all__ = ["Config", "describe", "json_schema", "load_config", "parse_duration", "parse_size"]
