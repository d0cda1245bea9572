"""Acting on the verified list: reports to platforms, tracking what they did, metrics,
exports and publication."""
