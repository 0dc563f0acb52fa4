// A directory entry as the administrator's Users screen shows it.
import type { AdminUserView } from '../../shared/ipc/contract';
import type { DirectoryUser } from '../../shared/ledger';
import { roleFromAttributes } from '../session/roles';

export function adminUserView(user: DirectoryUser): AdminUserView {
  return {
    id: user.userId,
    // The workstation role, decided the way sign-in decides it from the certificate.
    role:
      roleFromAttributes({ role: user.role, department: user.department ?? '' }) ?? 'oncologist',
    displayName: user.displayName,
    department: user.department,
    enrolledAt: user.registeredAt,
    status: user.status === 'revoked' ? 'revoked' : 'active',
    revokedAt: user.revokedAt ?? null,
  };
}
