"""Jobs: the poll scheduler, one-source polling, fetching over HTTP (and later sending)."""
