"""The CXone side: settings, token, retry policy, HTTP client, plan and apply."""
