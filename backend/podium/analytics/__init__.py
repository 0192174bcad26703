"""Sales analytics: rollups kept from domain events, and the cockpit's figures read from them."""
