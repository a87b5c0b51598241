import { DomainError } from '../errors/domain-error.ts';

export type MonitoringErrorCode = 'MONITOR_NOT_FOUND' | 'MONITOR_EXISTS' | 'INVALID_MONITOR_INPUT' | 'MONITOR_LIMIT_REACHED' | 'ALERT_NOT_FOUND';

export class MonitoringError extends DomainError<MonitoringErrorCode> {}
