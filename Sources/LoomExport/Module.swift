// LoomExport module.
