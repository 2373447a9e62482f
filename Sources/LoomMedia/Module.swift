// LoomMedia module.
