"""`marsad watch`: keep ingesting from feeds, folders and manifests, reading nothing twice."""
