"""Interest marks: "interested" / "declined" from both sides of a pairing, and contact reveal."""
