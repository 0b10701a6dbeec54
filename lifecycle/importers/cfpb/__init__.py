"""`lifecycle import cfpb`: the CFPB's published complaint exports, every layout."""
