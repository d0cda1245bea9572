"""Media hash banks: an exact PDQ index (:mod:`.index`), named banks imported from
ThreatExchange/HMA files with provenance (:mod:`.banks`), and matching of every ingested
media item against every bank."""
