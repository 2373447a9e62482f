// LoomCheck module.
