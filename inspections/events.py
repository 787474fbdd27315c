"""What inspections announce to the domains above them, inside the same transaction."""
from blinker import Namespace

_signals = Namespace()

# sent(inspection, finding_ids=[...]) when findings become visible to the outlet: at submit for
# ordinary inspections, at publication for mystery visits.
findings_published = _signals.signal("findings-published")
