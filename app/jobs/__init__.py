"""Jobs in the API: read, list and cancel background work (``/api/v1/jobs``)."""
