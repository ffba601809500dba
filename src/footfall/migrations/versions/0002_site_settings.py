"""Site settings: extra allowed origins and public dashboards.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    # Plain ADD COLUMN (SQLite has it): a batch table rebuild would drop `sites`, and with
    # foreign keys on, that cascades into site_memberships.
    op.add_column(
        "sites", sa.Column("allowed_origins", sa.JSON(), nullable=False, server_default="[]")
    )
    op.add_column(
        "sites", sa.Column("public", sa.Boolean(), nullable=False, server_default=sa.false())
    )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("sites") as batch:
        batch.drop_column("public")
        batch.drop_column("allowed_origins")
