"""A dossier: the answers of a collectivity, how they are typed and checked, and opened from disk.

Also the facts derived from the answers alone: French geography, the cost estimate and the
procurement procedure it calls for.
"""
