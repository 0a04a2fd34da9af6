"""gradscape around its core: experiments (``experiment``), presets, figures, the command line
and the page.

The core lives beside this package: ``surfaces`` (loss surfaces) and ``optimizers``
(torch.optim's update rules, the batched runner). Data flows one way:

    Config (experiment) -> simulate -> Result of Runs -> figures -> the page (page) or a file (cli)

Nothing in ``surfaces`` or ``optimizers`` imports from here.
"""
