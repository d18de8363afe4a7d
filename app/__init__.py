"""Culture-gap assessment service."""
