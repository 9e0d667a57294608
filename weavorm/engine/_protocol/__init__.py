"""Sans-IO protocol core: typed options -> requests; replies -> typed results."""
