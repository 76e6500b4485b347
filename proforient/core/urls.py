def is_local_path(target: str | None) -> bool:
    """Only a path on this server is a safe redirect target: no scheme, no host,
    no `//` or `\\` that a browser would read as another host."""
    if not target or not target.startswith("/"):
        return False
    if target.startswith("//") or "\\" in target:
        return False
    return not any(ord(c) < 32 for c in target)
