// LoomGenerate module.
