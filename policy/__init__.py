"""The regulation (西工发〔2018〕56号) as data, its Art. 17 deadline, and a Q&A engine over it.

Pure Python: reads only its own data files, never the network.
"""
