import { z } from 'zod';
import { Id } from '@shared-kernel';

/* HTTP shapes that are not contract messages themselves (path parameters). */

export const OrderIdParams = z.strictObject({ id: Id });
