"""Audit the installed distributions against PyPI's advisory data; exit 1 on a known vulnerability.

    .venv/bin/python scripts/audit_deps.py

pip-audit asks PyPI for /pypi/NAME/VERSION/json, which this network does not serve; the project
document /pypi/NAME/json is served, and its `vulnerabilities` are those affecting the latest
release. So a dependency locked at the latest release is audited exactly, and one behind it is
listed as not audited (refresh requirements.lock, or run pip-audit where it can reach its data).
"""

from __future__ import annotations

import importlib.metadata
import json
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from packaging.utils import canonicalize_name


def check(name: str, version: str) -> tuple[str, list[str]]:
    """("audited" | "behind" | "unknown", findings) for one distribution."""
    try:
        with urllib.request.urlopen(f"https://pypi.org/pypi/{name}/json", timeout=20) as response:
            data = json.load(response)
    except OSError:
        return "unknown", []  # not on PyPI (this project), or the index did not answer
    if data["info"]["version"] != version:
        return "behind", [f"latest is {data['info']['version']}"]
    return "audited", [
        f"{vuln.get('id')} ({', '.join(vuln.get('aliases') or [])}) fixed in {', '.join(vuln.get('fixed_in') or [])}"
        for vuln in data.get("vulnerabilities") or []
    ]


def main() -> int:
    """Print one line per finding and a summary."""
    dists = {canonicalize_name(d.metadata["Name"]): d.version for d in importlib.metadata.distributions()}
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = dict(zip(dists, pool.map(lambda item: check(*item), dists.items()), strict=True))
    vulnerable = 0
    for name, (status, findings) in sorted(results.items()):
        if status == "behind":
            print(f"not audited: {name} {dists[name]} ({findings[0]})")
        for finding in findings if status == "audited" else []:
            vulnerable += 1
            print(f"VULNERABLE: {name} {dists[name]}: {finding}")
    counts = {s: sum(1 for st, _ in results.values() if st == s) for s in ("audited", "behind", "unknown")}
    print(
        f"{vulnerable} known vulnerabilities; {counts['audited']} distributions audited, "
        f"{counts['behind']} behind their latest release, {counts['unknown']} not on PyPI or unreachable"
    )
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())
