"""The bundled demo: a real catalog of listed firms, loaded through the import code."""
