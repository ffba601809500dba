"""HTTP plumbing shared by every router: errors, auth dependencies, client address, health."""
