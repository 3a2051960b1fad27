"""Raw data: the toy data set generator, downloads and checksum manifests."""
