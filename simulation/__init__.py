"""The case study simulated through the real system (a client): firms drawn from archetypes, six months on a
simulated clock, collectors and debtors that act, a strategy that learns, and the portfolio report."""
