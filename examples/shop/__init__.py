"""An online shop: the example application for atlas-provider.

The models live in :mod:`shop.models`, one module per area of the shop. Point the provider at this folder
(``atlas-provider --path examples/shop --dialect postgresql``); it finds the modules by walking it.
"""
