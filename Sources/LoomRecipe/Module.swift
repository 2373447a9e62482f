// LoomRecipe module.
