"""hp-ray: the Ray Tune backend for hpcore."""
