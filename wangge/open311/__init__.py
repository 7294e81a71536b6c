"""Open311 GeoReport v2: the standard door for outside clients (apps, city
portals) to list services, file requests and follow them."""
