"""产业链图谱: the chain map, placements of profiles and needs, and the weak-link report."""
