"""``loa communes [--json]``: today's units and the old ones they absorbed."""

from __future__ import annotations

import argparse
import json

from base.config import Settings
from news.gazetteer_data import load_gazetteer


async def list_communes(settings: Settings, args: argparse.Namespace) -> int:
    """Print every current unit of the configured province with its pre-2025 predecessors."""
    gazetteer = load_gazetteer(settings.places.province)
    for unit in gazetteer.units:
        absorbed = gazetteer.absorbed(unit.name)
        if args.json:
            item = {
                "name": unit.name,
                "kind": unit.kind,
                "absorbed": [
                    {"name": o.name, "kind": o.kind, "district": o.district} for o in absorbed
                ],
            }
            print(json.dumps(item, ensure_ascii=False))
        else:
            old = ", ".join(f"{o.full_name} ({o.district})" for o in absorbed)
            print(f"{unit.full_name}" + (f"  ← {old}" if old else ""))
    return 0
