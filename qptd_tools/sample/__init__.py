"""Layer 4, the synthetic sample (DỮ LIỆU MẪU): a filled workbook for every unit of any registry.

May import ``core``, ``catalog`` and ``intake`` (it writes workbooks with the intake's template writer).
"""
