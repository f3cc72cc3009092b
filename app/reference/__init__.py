"""Reference tables shipped with the service: GB/T 2260 regions, GB/T 4754 industries, USCC."""
