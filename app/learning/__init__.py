"""Learning from outcomes: capture what buyers and SMEs do, train and version a re-ranker."""
