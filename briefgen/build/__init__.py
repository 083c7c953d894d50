"""Build: plan which outputs are stale, render them in memory, write each meeting as a set."""
