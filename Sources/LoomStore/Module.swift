// LoomStore module.
