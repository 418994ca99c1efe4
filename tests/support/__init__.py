"""What tests and the benchmark share: processes, the served app, one HTTP client, forms."""
