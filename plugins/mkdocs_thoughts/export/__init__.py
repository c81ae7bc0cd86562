"""`thoughts export`: the site as a plain docs tree that builds without the plugin."""
